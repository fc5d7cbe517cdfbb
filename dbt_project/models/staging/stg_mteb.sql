{{ stage_records('mteb') }}
