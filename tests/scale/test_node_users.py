"""The isolation the multi-node test relies on, quickly and on its own: as root, two nodes run as users
of their own (the interpreter the nodes get, see tests/scale/nodes.py) cannot list each other's folder,
and the check notices at once when a folder is opened to others. Not root: skipped, with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.scale.nodes import Node, NodeUsersUnavailable, node_users

pytestmark = pytest.mark.scale


@pytest.fixture
def two_nodes():
    if os.geteuid() != 0:
        pytest.skip(f"nodes as users of their own need root (uid {os.geteuid()})")
    base = Path(tempfile.mkdtemp(prefix="geste-nodes-"))
    base.chmod(0o711)
    try:
        users = node_users(base)
    except NodeUsersUnavailable as error:
        shutil.rmtree(base)
        pytest.fail(str(error), pytrace=False)
    if not users.enabled:
        shutil.rmtree(base)
        pytest.skip(users.reason)
    a, b = (Node(name, base / name, {}, uid=users.uid(i), python=users.python) for i, name in enumerate("ab"))
    yield users, a, b
    assert users.release() == {}
    shutil.rmtree(base)


def test_a_node_cannot_read_another_nodes_folder(two_nodes):
    users, a, b = two_nodes
    (b.root / "var" / "secret").write_text("b's")
    os.chown(b.root / "var" / "secret", b.uid, b.uid)
    assert b.can_read(b.root / "var") and b.can_read(b.root / "var" / "secret")
    assert not a.can_read(b.root) and not a.can_read(b.root / "var") and not a.can_read(b.root / "var" / "secret")
    # The node's interpreter runs as the node's user, with the project importable, and meets the same wall.
    ran = subprocess.run([users.python, "-c", "import os, sys, cms; print(os.getuid()); os.listdir(sys.argv[1])",
                          str(b.root / "var")], cwd=a.root, env=a.env(), capture_output=True, text=True,
                         user=a.uid, group=a.uid, extra_groups=[], timeout=120)
    assert ran.stdout.strip() == str(a.uid) and "PermissionError" in ran.stderr, (ran.stdout, ran.stderr)
    b.root.chmod(0o755)  # isolation broken: the check sees it
    assert a.can_read(b.root / "var")


@pytest.mark.parametrize("asked, outcome", [
    ("auto", "no:not root (uid 61"), ("1", "raised:GESTE_TEST_NODE_USERS=1 but not root"),
    ("0", "no:GESTE_TEST_NODE_USERS=0")])
def test_not_root_the_nodes_share_the_user_and_say_why(two_nodes, asked, outcome):
    """The fallback, run for real by a user that is not root (the nodes' interpreter, as node a)."""
    users, a, _ = two_nodes
    code = ("import sys; from pathlib import Path; from tests.scale.nodes import node_users, NodeUsersUnavailable\n"
            "try:\n u = node_users(Path(sys.argv[1]))\nexcept NodeUsersUnavailable as e:\n print('raised:' + str(e))\n"
            "else:\n print(('yes:' if u.enabled else 'no:') + u.reason)")
    ran = subprocess.run([users.python, "-c", code, str(a.root / "tmp")], cwd=a.root, capture_output=True, text=True,
                         env={**a.env(), "GESTE_TEST_NODE_USERS": asked},
                         user=a.uid, group=a.uid, extra_groups=[], timeout=120)
    assert ran.stdout.startswith(outcome), (ran.stdout, ran.stderr)
