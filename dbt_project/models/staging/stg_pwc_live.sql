{{ stage_records('pwc_live') }}
