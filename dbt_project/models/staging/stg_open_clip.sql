{{ stage_records('open_clip') }}
