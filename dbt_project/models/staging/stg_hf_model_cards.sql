{{ stage_records('hf_model_cards') }}
