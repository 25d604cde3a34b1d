"""Web plumbing: the site pages, security headers, languages, icons, the template environment."""
