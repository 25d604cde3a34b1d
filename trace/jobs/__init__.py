"""Long work in the background: the job record users see, its files, and the queue."""
