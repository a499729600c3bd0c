#!/bin/sh
echo "Warden applies and creates migrations offline: use 'npm run db:migrate' or 'npm run db:migration -- <name>'." >&2
exit 1
