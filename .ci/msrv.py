#!/usr/bin/env python3
"""Checks each workspace member's declared rust-version against what it builds with.

This machine has one toolchain, so CI cannot compile with the declared
rust-version itself. What it can check without one: every crate a member
compiles (its dependencies, transitively, as locked in Cargo.lock) declares a
rust-version no newer than the member's own. A dependency bump that needs a
newer compiler, or a member declaring less than the crates it depends on,
fails here. (Use of std APIs newer than the declared version is clippy's
`incompatible_msrv` lint, which the clippy step denies.)

Reads `cargo metadata --locked`; exits 1 listing every violation.
"""

import json
import subprocess
import sys


def version(text):
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--locked", "--format-version", "1"], check=True, capture_output=True, text=True
        ).stdout
    )
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    members = set(meta["workspace_members"])

    def deps(node_id, with_dev):
        for dep in nodes[node_id]["deps"]:
            kinds = {k["kind"] for k in dep["dep_kinds"]}
            if with_dev or kinds & {None, "build"}:
                yield dep["pkg"]

    problems = []
    checked = 0
    for member in sorted(members, key=lambda m: packages[m]["name"]):
        declared = packages[member].get("rust_version")
        if not declared:
            problems.append(f"{packages[member]['name']}: declares no rust-version")
            continue
        checked += 1
        # Dev-dependencies count for the member itself (its tests build with
        # its toolchain), not for what it depends on.
        seen = set()
        stack = list(deps(member, with_dev=True))
        while stack:
            pkg = stack.pop()
            if pkg in seen:
                continue
            seen.add(pkg)
            needs = packages[pkg].get("rust_version")
            if needs and version(needs) > version(declared):
                problems.append(
                    f"{packages[member]['name']} declares rust-version {declared}, "
                    f"but {packages[pkg]['name']} {packages[pkg]['version']} needs {needs}"
                )
            stack.extend(deps(pkg, with_dev=False))
    for line in sorted(set(problems)):
        print(line)
    if problems:
        print("raise the member's rust-version, or lock a dependency version that builds with it")
        sys.exit(1)
    print(f"{checked} workspace members: every dependency builds with the declared rust-version")


if __name__ == "__main__":
    main()
