"""Write-side logic of the shared core: jobs, tenancy, media checks and health."""
