-- Accounts of the organization by OU, with the awsqlite connection that reads each.
select a.ou_path, a.name, a.id, a.status, c.name as connection
from aws_organizations_account a
left join awsqlite_connection c on c.account_id = a.id
order by a.ou_path, a.name;
