{{ stage_records('openmmlab') }}
