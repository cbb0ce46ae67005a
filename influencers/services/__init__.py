"""Write-side business logic of the catalogue (services): imports, connector refresh, retention
and the demo catalogue."""
