"""Instructional designers' authoring: a capsule and its draft page from approved steps, interaction
forms, and question drafts proposed from steps, key points and the transcript."""
