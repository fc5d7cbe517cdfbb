{{ stage_records('automlbenchmark') }}
