"""Assessment cycles: computing every person's five parts, results, appeals and dashboards."""
