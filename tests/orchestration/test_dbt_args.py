from orchestration.lib.dbt_args import dbt_build_args


def test_default_is_a_plain_build():
    assert dbt_build_args() == ["build"]


def test_options_become_flags():
    assert dbt_build_args(full_refresh=True, fail_fast=True) == ["build", "--full-refresh", "--fail-fast"]
