{{ stage_records('timm') }}
