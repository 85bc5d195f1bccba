# The device socket (/ws/devices/) arrives with the printer bridge work.
websocket_urlpatterns = []
