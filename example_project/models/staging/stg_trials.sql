select
    trial_id,
    account_id,
    cast(started_at as timestamp) as started_at,
    acquisition_channel,
    company_size
from {{ ref('raw_trials') }}
