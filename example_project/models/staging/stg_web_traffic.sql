select
    cast(session_date as date) as session_date,
    channel,
    sessions,
    pageviews,
    bounced_sessions
from {{ ref('raw_web_traffic') }}
