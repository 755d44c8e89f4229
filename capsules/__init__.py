"""Geste domain: certifications, skills blocks, footage, pipeline runs, steps, capsules, learners."""
