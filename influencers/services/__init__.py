"""Write-side business logic of the influencers app (services), one module per job."""
