"""What training organisations read: reports per skills block, question and learner (screens and
CSV), and the xAPI export of learner activity."""
