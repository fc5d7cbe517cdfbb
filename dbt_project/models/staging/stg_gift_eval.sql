{{ stage_records('gift_eval') }}
