-- 004-retry-failed.sql — `analyse URI --retry-failed --max-attempts N` queues failed jobs
-- again with a new attempt limit. 003 granted members UPDATE on the columns a worker changes
-- but not on max_attempts, so the lead's statement was refused ("permission denied for table
-- analysis_jobs"). Row-level security still limits it to the leads and workers of the job's
-- team (policy analysis_jobs_work).
GRANT UPDATE (max_attempts) ON dr.analysis_jobs TO dr_member;
