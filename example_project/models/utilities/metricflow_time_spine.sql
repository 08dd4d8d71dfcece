-- Daily time spine MetricFlow uses for cumulative, offset and conversion metrics.
-- dbt's own date_spine macro, so the model builds on every warehouse.
select cast(date_day as date) as date_day
from (
    {{ dbt.date_spine(datepart="day", start_date="cast('2024-01-01' as date)", end_date="cast('2027-12-31' as date)") }}
) as spine
