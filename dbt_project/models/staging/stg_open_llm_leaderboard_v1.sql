{{ stage_records('open_llm_leaderboard_v1') }}
