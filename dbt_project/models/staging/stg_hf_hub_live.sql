{{ stage_records('hf_hub_live') }}
