"""Recognition of a completed skills block: Open Badges 3.0 credentials and the learner's portfolio.

- ``achievements``: the badge rule (capsules completed, first-try score, mandatory questions right);
- ``signals`` → ``issuance``: issue on completion (post_save on Progress/Attempt), award by hand, revoke;
- ``credentials``: the OpenBadgeCredential document; ``signing``: eddsa-rdfc-2022 Data Integrity proofs
  (pyld + cryptography, JSON-LD ``contexts`` shipped, never fetched); ``keys``: issuer Multikeys,
  rotation, controller document; ``status_list``: Bitstring Status List revocation;
- ``verification``: proof + dates + status for the public page; ``baking``: badge PNG/SVG;
- ``portfolio``: badges and completed capsules, share links, ZIP export; ``views``/``urls``/``admin_views``.
"""
