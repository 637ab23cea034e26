"""The exhibition hall: booths of civil-society projects that participants visit live."""
