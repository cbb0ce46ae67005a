"""Read-side queries of vetting: brands, shortlists, notes and vetting reports.

Every organisation-owned selector takes the organisation, so a caller cannot forget the scope.
"""
