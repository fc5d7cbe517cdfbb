"""The ModelLens code location: small per-domain `defs` modules merged into one Definitions."""

from dagster import Definitions

from orchestration import resources, schedules
from orchestration.defs.evaluate import assets as evaluate
from orchestration.defs.ingest import assets as ingest
from orchestration.defs.serve import assets as serve
from orchestration.defs.train import assets as train
from orchestration.defs.transform import assets as transform

defs = Definitions.merge(ingest.defs, transform.defs, train.defs, serve.defs, evaluate.defs,
                         schedules.defs, resources.defs).map_asset_specs(
    func=lambda spec: spec.replace_attributes(freshness_policy=schedules.WEEKLY_FRESHNESS
                                              if spec.group_name == evaluate.GROUP else schedules.NIGHTLY_FRESHNESS)
)
