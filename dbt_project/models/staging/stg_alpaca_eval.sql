{{ stage_records('alpaca_eval') }}
