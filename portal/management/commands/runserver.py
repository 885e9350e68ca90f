"""`runserver` that also runs the beat schedule in the embedded default (portal.scheduler):
the serving process (the autoreloader's child) starts the scheduler thread when Celery is
eager on the memory broker; `--noscheduler` leaves it off. Static files as Django's own."""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver


class Command(StaticRunserver):
    help = StaticRunserver.help + " In the embedded default it also runs the periodic jobs."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--noscheduler",
            action="store_false",
            dest="use_scheduler",
            help="Do not run the beat schedule in this process (embedded default only).",
        )

    def inner_run(self, *args, **options):
        if options.get("use_scheduler", True):
            from portal.scheduler import embedded_scheduler_start

            if embedded_scheduler_start() is not None:
                self.stdout.write("Periodic jobs: embedded scheduler thread (portal.scheduler)")
        return super().inner_run(*args, **options)
