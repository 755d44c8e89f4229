"""factory_boy factories for the domain models (pages are built in tests/pages.py)."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from capsules import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "motdepasse-geste")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))


def designer(**kw):
    return UserFactory(groups=["Designers"], **kw)


def expert(**kw):
    return UserFactory(groups=["Experts"], **kw)


def learner(**kw):
    return UserFactory(groups=["Learners"], **kw)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Certification
        django_get_or_create = ("rncp_code",)

    title = "Titre professionnel Agent de maintenance des bâtiments"
    rncp_code = factory.Sequence(lambda n: f"RNCP{37274 + n}")
    vocabulary = "clé dynamométrique, newton-mètre, joint, siphon"


class SkillsBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SkillsBlock

    certification = factory.SubFactory(CertificationFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.certification.rncp_code}BC{(n % 99) + 1:02d}")
    title = "Réaliser des travaux de plomberie sanitaire"
    order = factory.Sequence(int)


class FootageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Footage

    title = factory.Sequence(lambda n: f"Remplacement d'un joint {n}")
    skills_block = factory.SubFactory(SkillsBlockFactory)
    checksum = factory.Sequence(lambda n: f"{n:064x}")
    duration = 60.0
    status = models.Footage.Status.IN_REVIEW


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Step

    footage = factory.SubFactory(FootageFactory)
    order = factory.Sequence(int)
    start = factory.LazyAttribute(lambda o: o.order * 10.0)
    end = factory.LazyAttribute(lambda o: o.order * 10.0 + 8.0)
    title = factory.Sequence(lambda n: f"Étape {n}")
    confidence = 0.8


class CapsuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Capsule

    title = factory.Sequence(lambda n: f"Capsule {n}")
    footage = factory.SubFactory(FootageFactory)
    skills_block = factory.LazyAttribute(lambda o: o.footage.skills_block)
    start = 0
    end = None


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Interaction

    capsule = factory.SubFactory(CapsuleFactory)
    time = 5.0
    kind = models.Interaction.Kind.SINGLE_CHOICE
    prompt = "Quel outil faut-il pour serrer l'écrou ?"
    choices = [{"id": "a", "text": "Une clé dynamométrique"}, {"id": "b", "text": "Un marteau"}]
    answer_key = {"correct": ["a"]}
    feedback_correct = "Oui : elle garantit le couple de serrage."
    feedback_wrong = "Non : il faut maîtriser le couple de serrage."


def footage_key(checksum: str, stage: str, name: str) -> str:
    """A media key in the canonical form the media view serves (footage/<2 hex>/<sha256>/<stage>/…)."""
    return f"footage/{checksum[:2]}/{checksum}/{stage}/{name}"
