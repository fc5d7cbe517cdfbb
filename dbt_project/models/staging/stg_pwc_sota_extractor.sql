{{ stage_records('pwc_sota_extractor') }}
