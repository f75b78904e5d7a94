"""The AWS options every AWS module takes (plugins/module_utils/_aws/options.py)."""

from __future__ import annotations


def test_options_are_amazon_aws_ones():
    from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

    from ansible_collections.edge.snowball.plugins.module_utils._aws.options import aws_argument_spec as ours

    assert ours() == aws_argument_spec()
