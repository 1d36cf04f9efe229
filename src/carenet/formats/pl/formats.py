"""Polish: Django's own formats, with ISO first among input formats (`carenet.formats`)."""

from django.conf.locale.pl import formats as djangos

from carenet.formats import ISO_DATES, ISO_DATETIMES, iso_first

DATE_INPUT_FORMATS = iso_first(ISO_DATES, djangos.DATE_INPUT_FORMATS)
DATETIME_INPUT_FORMATS = iso_first(ISO_DATETIMES, djangos.DATETIME_INPUT_FORMATS)
