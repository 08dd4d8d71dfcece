select
    trial_id,
    account_id as customer_id,
    started_at,
    cast(started_at as date) as trial_started_on,
    acquisition_channel,
    company_size
from {{ ref('stg_trials') }}
