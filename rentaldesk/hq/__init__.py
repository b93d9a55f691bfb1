"""Head-office services: the booking authority, the fleet service and the notification service."""
