# A Damage Review analysis worker for a team project; one instance per queue or per core set.
#   systemctl enable --now damage-review-worker@east.service
# reads /etc/damage-review/worker-east.env, which sets (at least) the connection string:
#   DR_WORKER_URI=service=east
#   PGSERVICEFILE=/etc/damage-review/pg_service.conf   (with the password; mode 0640)
#   DR_WORKER_ARGS=--threads 2
# SIGTERM (systemctl stop) lets the worker give back the jobs it holds; a worker that is
# killed loses nothing either: its leases expire and other workers take the jobs over.
[Unit]
Description=Damage Review analysis worker (%i)
Documentation=https://github.com/damagereview/damage-review#analysing-a-team-project-on-many-machines
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
EnvironmentFile=/etc/damage-review/worker-%i.env
ExecStart=@bindir@/damage-review worker ${DR_WORKER_URI} $DR_WORKER_ARGS
KillSignal=SIGTERM
TimeoutStopSec=120
Restart=on-failure
RestartSec=10
DynamicUser=yes
CacheDirectory=damage-review
Environment=XDG_CACHE_HOME=/var/cache
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
PrivateTmp=yes
Nice=10

[Install]
WantedBy=multi-user.target
