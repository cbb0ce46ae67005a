"""What every app shares and nothing else: errors, jobs, tenancy, caching, media checks and health.

core imports no other app of the project; the others import it.
"""
