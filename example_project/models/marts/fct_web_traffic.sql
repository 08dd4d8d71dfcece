select
    session_date || '-' || channel as traffic_day_id,
    session_date,
    channel,
    sessions,
    pageviews,
    bounced_sessions
from {{ ref('stg_web_traffic') }}
