"""What a probe's failure means, said without the paths of the machine that built it."""

from __future__ import annotations

from pathlib import Path

from generator.outcomes import public_text


def test_messages_hold_no_paths_of_the_build_machine() -> None:
    hub = Path("/home/ci/.cache/pinhub/build/checkouts/github.com_o_n.git-1a2b3c4d-" + "f" * 40)
    said = (
        "RuntimeError: no repo in the cache (/tmp/pinhub-sandbox-0/2085-2918/probe-2zwa73aa/home/.cache/torch/hub); "
        f"File {hub}/models/net.py, line 3; "
        "File /home/ci/.cache/pinhub/build/environments/0123456789abcdef/lib/python3.11/site-packages/timm/x.py; "
        "File /opt/cache/loader/fedcba9876543210/pinhub/_api.py; "
        "scratch /tmp/pinhub-sandbox-0/2085-2918/probe-2zwa73aa/result.json; "
        "module _pinhub_hub_9f8e7d.models.net"
    )
    assert public_text(said, hub) == (
        "RuntimeError: no repo in the cache (~/.cache/torch/hub); File models/net.py, line 3; "
        "File site-packages/timm/x.py; File pinhub/_api.py; scratch <scratch>/result.json; module models.net"
    )
