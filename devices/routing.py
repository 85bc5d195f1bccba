from django.urls import path

from devices.consumers import DeviceConsumer

# No origin check: bridges are not browsers and send no Origin, and a page
# in a browser cannot set the Authorization header this socket requires,
# so a cross-site page has no way in.
websocket_urlpatterns = [
    path("ws/devices/", DeviceConsumer.as_asgi()),
]
