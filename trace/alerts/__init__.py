"""Clone alerts: the rules that flag a copied label, the alerts they raise, the marks on units."""
