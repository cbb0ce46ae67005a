"""Write-side business logic of vetting (services), one module per job: vetting reports, brands,
matching, shortlists, notes and exports."""
