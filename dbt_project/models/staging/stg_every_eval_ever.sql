{{ stage_records('every_eval_ever') }}
