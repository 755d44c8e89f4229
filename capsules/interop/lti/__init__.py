"""LTI 1.3 / LTI Advantage tool on django-lti (pylti1p3): launches into capsules and skills blocks,
Deep Linking from Geste's catalogue, grades back through AGS, course rosters through NRPS."""
