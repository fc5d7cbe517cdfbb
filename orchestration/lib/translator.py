"""How dbt nodes appear in Dagster: a staging model that reads the landing zone (meta ``reads_landing``) depends on
every raw_<source> asset of the registry; groups follow the dbt layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from orchestration.sources import registry


def raw_asset_key(source: str) -> AssetKey:
    return AssetKey(f"raw_{source}")


class ModelLensDbtTranslator(DagsterDbtTranslator):
    def __init__(self):
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if self.get_resource_props(manifest, unique_id).get("config", {}).get("meta", {}).get("reads_landing"):
            spec = spec.merge_attributes(deps=[raw_asset_key(source) for source in registry.ALL_SOURCES])
        return spec

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "transform"
