{{ stage_records('mteb_raw') }}
