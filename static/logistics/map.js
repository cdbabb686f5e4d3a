// Map page: venues, vehicles and the routes of a time window on a Leaflet map, kept live by polling the GeoJSON
// endpoints. Everything it needs comes from the #map element's data-* attributes and the #map-labels JSON.
// Vehicles are polled every data-vehicles-every ms, venues and routes every data-others-every ms, each with
// If-None-Match: a 304 keeps the layer as it is, a 200 updates the markers in place.
// When a load of all three layers is drawn, #map gets data-rendered="N" (markers and lines drawn) and
// data-rendered-ms (milliseconds since navigation), and the "convoy:map-rendered" event is dispatched.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  var data = element.dataset;
  var labels = JSON.parse(document.getElementById("map-labels").textContent);
  var form = document.getElementById("map-filters");
  var statusLine = document.getElementById("map-status");
  var zone = data.timeZone;
  var language = document.documentElement.lang || "en";
  var VENUE_GLYPHS = {
    airport: "A", airfield: "F", hotel: "H", venue: "V", government: "G",
    embassy: "E", base: "B", depot: "D", other: "·"
  };

  var centre = data.centre.split(",").map(Number);
  var map = L.map(element, { preferCanvas: false, zoomControl: true }).setView(centre, Number(data.zoom));
  if (data.tilesUrl) {
    // the tile server sees the site's origin, no page path (tile servers such as OpenStreetMap's ask for a Referer)
    var tiles = L.tileLayer(data.tilesUrl, {
      attribution: data.tilesAttribution, maxZoom: Number(data.maxZoom), referrerPolicy: "strict-origin-when-cross-origin"
    });
    tiles.on("tileerror", function () {}); // without tiles the markers and routes are still drawn
    tiles.addTo(map);
  }
  var routeLayer = L.layerGroup().addTo(map);
  var venueLayer = L.layerGroup().addTo(map);
  var vehicleLayer = L.layerGroup().addTo(map);

  // Formatting

  var timeFormat = new Intl.DateTimeFormat(language, { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  function hhmm(iso) { return iso ? timeFormat.format(new Date(iso)) : ""; }
  function escape(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function label(group, value) { return (labels[group] && labels[group][value]) || value; }

  // The offset of the conference's zone at a moment, as +HH:MM (datetime-local values are in that zone).
  function zoneOffset(moment) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    }).formatToParts(moment).forEach(function (p) { parts[p.type] = p.value; });
    var asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
    var minutes = Math.round((asUtc - moment.getTime()) / 60000);
    var sign = minutes < 0 ? "-" : "+";
    minutes = Math.abs(minutes);
    return sign + String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0");
  }
  function withOffset(local) {
    if (!local) return "";
    var guess = new Date(local + ":00Z");
    var offset = zoneOffset(guess);
    // a second pass settles moments near a change of offset
    offset = zoneOffset(new Date(guess.getTime() - offsetMinutes(offset) * 60000));
    return local + ":00" + offset;
  }
  function offsetMinutes(offset) {
    var sign = offset[0] === "-" ? -1 : 1;
    return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  }

  // Fetching with ETags: one per URL; a 304 answers null (keep the layer).

  var etags = {};
  function getJson(url) {
    var headers = { Accept: "application/geo+json, application/json" };
    if (etags[url]) headers["If-None-Match"] = etags[url];
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers }).then(function (response) {
      if (response.status === 304) return null;
      if (!response.ok) throw new Error(response.status + " " + url);
      var etag = response.headers.get("ETag");
      return response.json().then(function (body) {
        if (etag) etags[url] = etag;
        return body;
      });
    });
  }
  function query(base, params) {
    var search = new URLSearchParams();
    Object.keys(params).forEach(function (key) { if (params[key]) search.set(key, params[key]); });
    var text = search.toString();
    return text ? base + "?" + text : base;
  }
  function filters() {
    var f = form.elements;
    function value(name) { return f[name] ? f[name].value.trim() : ""; }
    return {
      from: withOffset(value("from")), to: withOffset(value("to")), kind: value("kind"), status: value("status"),
      delegation: value("delegation"), venue: value("venue"), delegate: value("delegate"), callsign: value("callsign")
    };
  }
  function urls() {
    var f = filters();
    return {
      venues: query(data.venuesUrl, { from: f.from, to: f.to }),
      vehicles: query(data.vehiclesUrl, { kind: f.kind, status: f.status }),
      routes: query(data.routesUrl, {
        from: f.from, to: f.to, kind: f.kind, status: f.status, venue: f.venue,
        delegation: f.delegation, delegate: f.delegate
      })
    };
  }
  function latLng(geometry) {
    if (!geometry || !geometry.coordinates) return null;
    return [geometry.coordinates[1], geometry.coordinates[0]];
  }

  // Venues

  var venuePlaces = {};
  function venuePopup(p) {
    var html = "<strong>" + escape(p.name) + "</strong> <small>" + escape(label("venueKind", p.kind)) + "</small>";
    if (p.address) html += "<br>" + escape(p.address);
    if (p.sessions && p.sessions.length) {
      html += "<h4>" + escape(labels.sessions) + "</h4><ul>" + p.sessions.map(function (s) {
        return "<li>" + escape(hhmm(s.starts_at)) + " " + escape(s.title || s.code) + "</li>";
      }).join("") + "</ul>";
    }
    html += "<dl class='map-counts'>" + ["arrivals", "departures", "pickups", "dropoffs"].map(function (key) {
      return "<dt>" + escape(labels[key]) + "</dt><dd>" + escape(p[key] || 0) + "</dd>";
    }).join("") + "</dl>";
    return html;
  }
  function drawVenues(collection) {
    venueLayer.clearLayers();
    venuePlaces = {};
    (collection.features || []).forEach(function (feature) {
      var place = latLng(feature.geometry);
      if (!place) return;
      var p = feature.properties;
      venuePlaces[p.code] = place;
      var icon = L.divIcon({
        className: "venue-marker venue-" + escape(p.kind),
        html: "<span data-venue='" + escape(p.code) + "'>" + (VENUE_GLYPHS[p.kind] || "·") + "</span>",
        iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10]
      });
      L.marker(place, { icon: icon, title: p.name, keyboard: true }).bindPopup(venuePopup(p)).addTo(venueLayer);
    });
    counts.venues = venueLayer.getLayers().length;
  }

  // Vehicles: one marker per callsign, kept across polls and changed in place.

  var vehicleMarkers = {};
  function minutesOld(iso) { return iso ? Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000)) : null; }
  function tripText(trip) {
    if (!trip) return escape(labels.noTrip);
    return escape(trip.code) + " " + escape(hhmm(trip.starts_at)) + "–" + escape(hhmm(trip.ends_at)) +
      (trip.first_stop || trip.last_stop ? "<br><small>" + escape(trip.first_stop || "") + " → " + escape(trip.last_stop || "") + "</small>" : "");
  }
  function vehiclePopup(marker) {
    var p = marker.feature.properties;
    var html = "<strong>" + escape(p.callsign) + "</strong> <span class='status-pill status-" + escape(p.status) + "'>" +
      escape(label("status", p.status)) + "</span><br>" + escape(label("vehicleKind", p.kind)) + " · " +
      escape(labels.seats) + ": " + escape(p.seats);
    html += "<br>" + (p.driver ? escape(labels.driver) + ": " + escape(p.driver) +
      (p.phone ? " <a href='tel:" + escape(p.phone) + "'>" + escape(p.phone) + "</a>" : "") : escape(labels.noDriver));
    if (p.at_depot) html += "<br>" + escape(labels.atDepot);
    if (p.stale) html += "<br><em>" + escape(staleText(p)) + "</em>";
    html += "<h4>" + escape(labels.currentTrip) + "</h4>" + tripText(p.current_trip);
    html += "<h4>" + escape(labels.nextTrip) + "</h4>" + tripText(p.next_trip);
    return html;
  }
  function staleText(p) {
    var minutes = minutesOld(p.position_at);
    return minutes == null ? labels.noPosition : fill(labels.stale, { minutes: minutes });
  }
  function vehicleClass(p) {
    return "vehicle-marker" + (p.stale ? " stale" : "") + (p.at_depot ? " at-depot" : "");
  }
  function vehicleIcon(p) {
    return L.divIcon({
      className: vehicleClass(p),
      html: "<span class='vehicle-dot status-" + escape(p.status) + "'></span>",
      iconSize: [20, 20], iconAnchor: [10, 10], popupAnchor: [0, -10]
    });
  }
  function tagVehicle(marker) {
    var el = marker.getElement();
    if (!el) return;
    var p = marker.feature.properties;
    el.setAttribute("data-callsign", p.callsign);
    el.setAttribute("data-status", p.status);
    el.setAttribute("data-stale", p.stale ? "true" : "false");
    el.setAttribute("data-at-depot", p.at_depot ? "true" : "false");
    el.title = p.callsign + " · " + label("status", p.status) + (p.stale ? " · " + staleText(p) : "");
  }
  function drawVehicles(collection) {
    var seen = {};
    (collection.features || []).forEach(function (feature) {
      var place = latLng(feature.geometry);
      var p = feature.properties;
      if (!place) return;
      seen[p.callsign] = true;
      var marker = vehicleMarkers[p.callsign];
      if (!marker) {
        marker = L.marker(place, { icon: vehicleIcon(p), keyboard: true, zIndexOffset: 1000 });
        marker.feature = feature;
        marker.bindPopup(vehiclePopup);
        marker.on("add", function () { tagVehicle(marker); });
        marker.addTo(vehicleLayer);
        vehicleMarkers[p.callsign] = marker;
        return;
      }
      var before = marker.feature.properties;
      marker.feature = feature;
      marker.setLatLng(place);
      if (before.status !== p.status || before.stale !== p.stale || before.at_depot !== p.at_depot) {
        marker.setIcon(vehicleIcon(p));
      }
      tagVehicle(marker);
      if (marker.isPopupOpen()) marker.setPopupContent(vehiclePopup(marker));
    });
    Object.keys(vehicleMarkers).forEach(function (callsign) {
      if (!seen[callsign]) {
        vehicleLayer.removeLayer(vehicleMarkers[callsign]);
        delete vehicleMarkers[callsign];
      }
    });
    counts.vehicles = Object.keys(vehicleMarkers).length;
    highlight(false);
  }

  // Routes: a line per trip, coloured by vehicle, with the stops' order numbers.

  function vehicleColour(callsign) {
    // callsigns differ in their last characters (ARM-01, ARM-02): the golden angle spreads neighbours apart
    var hash = 0;
    for (var i = 0; i < callsign.length; i++) hash = (hash * 31 + callsign.charCodeAt(i)) % 100003;
    return "hsl(" + Math.round((hash * 137.508) % 360) + ", 70%, 38%)";
  }
  function routePopup(p) {
    var html = "<strong>" + escape(labels.trip) + " " + escape(p.trip) + "</strong> · " + escape(labels.vehicle) + " " +
      escape(p.vehicle) + "<br>" + escape(hhmm(p.starts_at)) + "–" + escape(hhmm(p.ends_at));
    html += "<ol class='map-stops'>" + (p.stops || []).map(function (s) {
      var who = [];
      if (s.board) who.push(fill(labels.board, { n: s.board }));
      if (s.alight) who.push(fill(labels.alight, { n: s.alight }));
      return "<li>" + escape(hhmm(s.arrive_at)) + " " + escape(s.name || s.venue) +
        (who.length ? " <small>(" + escape(who.join(", ")) + ")</small>" : "") + "</li>";
    }).join("") + "</ol>";
    return html;
  }
  function drawRoutes(collection) {
    routeLayer.clearLayers();
    var lines = 0;
    (collection.features || []).forEach(function (feature) {
      if (!feature.geometry || !feature.geometry.coordinates) return;
      var p = feature.properties;
      var points = feature.geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
      if (points.length < 2) return;
      var colour = vehicleColour(p.vehicle || "");
      var line = L.polyline(points, { color: colour, weight: 4, opacity: 0.75, className: "route-line" });
      line.bindPopup(routePopup(p));
      line.on("add", function () {
        var el = line.getElement();
        if (el) { el.setAttribute("data-trip", p.trip); el.setAttribute("data-vehicle", p.vehicle); }
      });
      line.addTo(routeLayer);
      lines += 1;
      var stops = p.stops || [];
      stops.forEach(function (stop, index) {
        var place = !p.roads && stops.length === points.length ? points[index] : venuePlaces[stop.venue];
        if (!place) return;
        var number = document.createElement("span");
        number.textContent = stop.sequence;
        number.style.borderColor = colour; // a property, not a style attribute: the Content-Security-Policy allows it
        L.marker(place, {
          icon: L.divIcon({ className: "stop-number", html: number, iconSize: [16, 16], iconAnchor: [-2, 18] }),
          interactive: false, keyboard: false
        }).addTo(routeLayer);
      });
    });
    counts.routes = lines;
  }

  // Search a callsign: highlight its marker and zoom to it.

  var lastSearch = "";
  function highlight(zoom) {
    var wanted = (form.elements.callsign ? form.elements.callsign.value : "").trim().toUpperCase();
    Object.keys(vehicleMarkers).forEach(function (callsign) {
      var el = vehicleMarkers[callsign].getElement();
      if (el) el.classList.toggle("highlighted", !!wanted && callsign.toUpperCase() === wanted);
    });
    if (!zoom || !wanted || wanted === lastSearch) return;
    lastSearch = wanted;
    var found = Object.keys(vehicleMarkers).filter(function (c) { return c.toUpperCase() === wanted; })[0];
    if (found) {
      map.setView(vehicleMarkers[found].getLatLng(), Math.max(map.getZoom(), 15));
      vehicleMarkers[found].openPopup();
    } else {
      say(labels.notFound);
    }
  }

  // Loading and polling

  var counts = { venues: 0, vehicles: 0, routes: 0 };
  var generation = 0;
  function say(text) { if (statusLine) statusLine.textContent = text; }
  function sayUpdated() {
    say(fill(labels.counts, counts) + " · " + fill(labels.updated, { time: timeFormat.format(new Date()) }));
  }
  var fitted = false;
  function rendered() {
    if (!fitted) {  // the first load shows every venue and vehicle
      var bounds = L.latLngBounds([]);
      [venueLayer, vehicleLayer].forEach(function (layer) {
        layer.eachLayer(function (marker) { bounds.extend(marker.getLatLng()); });
      });
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], animate: false }); fitted = true; }
    }
    window.requestAnimationFrame(function () {
      element.setAttribute("data-vehicle-count", counts.vehicles);
      element.setAttribute("data-venue-count", counts.venues);
      element.setAttribute("data-route-count", counts.routes);
      element.setAttribute("data-rendered", counts.vehicles + counts.venues + counts.routes);
      element.setAttribute("data-rendered-ms", Math.round(window.performance.now()));
      element.dispatchEvent(new CustomEvent("convoy:map-rendered", { bubbles: true, detail: counts }));
      sayUpdated();
    });
  }
  function failed(error) {
    if (window.console) window.console.warn(error);
    say(labels.loadError);
  }

  // Venues first (stop numbers may need their places), then vehicles and routes together.
  function loadAll() {
    var mine = ++generation;
    var u = urls();
    element.removeAttribute("data-rendered");
    return getJson(u.venues).then(function (venues) {
      if (mine !== generation) return;
      if (venues) drawVenues(venues);
      return Promise.all([getJson(u.vehicles), getJson(u.routes)]).then(function (answers) {
        if (mine !== generation) return;
        if (answers[0]) drawVehicles(answers[0]);
        if (answers[1]) drawRoutes(answers[1]);
        rendered();
      });
    }).catch(failed);
  }
  function pollVehicles() {
    var mine = generation;
    return getJson(urls().vehicles).then(function (vehicles) {
      if (mine !== generation || !vehicles) return;
      drawVehicles(vehicles);
      rendered();
    }).catch(failed);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    lastSearch = "";
    loadAll().then(function () { highlight(true); });
  });
  ["kind", "status", "delegation", "venue", "from", "to"].forEach(function (name) {
    if (form.elements[name]) form.elements[name].addEventListener("change", function () { loadAll(); });
  });
  if (form.elements.callsign) {
    form.elements.callsign.addEventListener("input", function () { lastSearch = ""; highlight(false); });
    form.elements.callsign.addEventListener("change", function () { highlight(true); });
  }

  loadAll();
  window.setInterval(function () { if (!document.hidden) pollVehicles(); }, Number(data.vehiclesEvery) || 5000);
  window.setInterval(function () { if (!document.hidden) loadAll(); }, Number(data.othersEvery) || 60000);
})();
