"""What the local story writer knows: a vocabulary per genre and sentence patterns per
part of a story. Patterns are used at most once per story; slots in braces are filled
from the request (hero, the prompt's nouns) and the genre's words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Genre:
    home: tuple[str, ...]
    places: tuple[str, ...]
    companions: tuple[str, ...]
    obstacles: tuple[str, ...]
    sights: tuple[str, ...]
    sounds: tuple[str, ...]
    tools: tuple[str, ...]
    mood: tuple[str, ...]


GENRES: dict[str, Genre] = {
    "adventure": Genre(
        home=(
            "the harbour town of Saltmere",
            "a village at the edge of the red hills",
            "a tall house above the river market",
        ),
        places=(
            "the rope bridge over Thunder Gorge",
            "a canyon striped like a sunset",
            "the abandoned lighthouse",
            "a forest where the trees grew in spirals",
            "the salt flats, white as paper",
            "an island that only appeared at low tide",
            "the caves behind the waterfall",
            "a market that sold maps of places that did not exist yet",
        ),
        companions=(
            "a sharp-eyed falcon called Rill",
            "an old sailor who hummed when he was nervous",
            "a goat that refused to be left behind",
            "a cartographer's apprentice named Tamsin",
        ),
        obstacles=(
            "a river that had swallowed its own bridge",
            "a wall of thorn bushes taller than a cart",
            "a storm that rolled in without warning",
            "a locked gate with a riddle carved above it",
            "a path that split into seven identical paths",
            "a landslide that had buried the old road",
        ),
        sights=(
            "gulls wheeling over the cliffs",
            "a line of footprints that ended in the middle of nowhere",
            "sunlight breaking through the clouds in long gold bars",
            "a carved stone with an arrow pointing west",
            "smoke curling from a far-off chimney",
        ),
        sounds=(
            "the creak of old timber",
            "waves slapping against the rocks",
            "wind whistling through a crack in the stone",
            "a distant bell ringing three times",
        ),
        tools=(
            "a brass compass",
            "a coil of good rope",
            "a lantern with a cracked glass",
            "a folding knife",
            "a notebook full of sketches",
        ),
        mood=("thrilling", "dusty", "bright", "windswept"),
    ),
    "fantasy": Genre(
        home=(
            "the kingdom of Elderglen",
            "a cottage at the foot of the Moonspire mountains",
            "the floating town of Aerwyn",
        ),
        places=(
            "the Whispering Library",
            "a bridge made of frozen starlight",
            "the Glass Marsh",
            "a tower that grew one floor taller every night",
            "the hollow under the Dragon's Tooth",
            "a meadow where the flowers sang",
            "the gate of the Sleeping Queen",
            "a lake that showed tomorrow instead of today",
        ),
        companions=(
            "a small dragon who sneezed sparks",
            "a wizard's cat with opinions about everything",
            "a knight whose armour was two sizes too big",
            "a fox spirit with a silver tail",
        ),
        obstacles=(
            "an enchantment that turned every road back on itself",
            "a troll who demanded a song for every step",
            "a fog that stole people's names",
            "a spell of sleep laid over the whole valley",
            "a door that only opened for someone who told the truth",
            "a shadow that copied every move they made",
        ),
        sights=(
            "lanterns drifting upward with no one to light them",
            "runes glowing softly along the walls",
            "a unicorn drinking at the edge of the water",
            "petals falling upward into the sky",
            "a crown resting on a stone, covered in moss",
        ),
        sounds=(
            "the hum of old magic",
            "wings beating somewhere overhead",
            "a harp playing with no harpist",
            "the soft chime of crystal leaves",
        ),
        tools=(
            "a wand carved from rowan wood",
            "a map that redrew itself",
            "a pouch of starlight dust",
            "a ring that grew warm near danger",
            "an old spellbook with half the pages missing",
        ),
        mood=("enchanted", "shimmering", "ancient", "mysterious"),
    ),
    "scifi": Genre(
        home=(
            "the orbital city of New Meridian",
            "a research station on the rings of Saturn",
            "a quiet colony on the red plains of Mars",
        ),
        places=(
            "the hydroponic gardens on Deck Nine",
            "a moon made almost entirely of ice",
            "the engine core, humming like a giant heart",
            "an asteroid mine that had gone silent",
            "a derelict starship drifting in the dark",
            "the observation dome",
            "a planet with two suns and violet grass",
            "the navigation vault",
        ),
        companions=(
            "a maintenance robot called Bolt",
            "a holographic guide who kept getting the date wrong",
            "a pilot with a laugh like a siren",
            "a tiny alien that communicated in colours",
        ),
        obstacles=(
            "a meteor shower that scrambled every sensor",
            "a computer that had locked every door",
            "an airlock that would not seal",
            "a gravity field that flipped every few minutes",
            "a signal that jammed all the radios",
            "a reactor running dangerously hot",
        ),
        sights=(
            "stars sliding past the viewport",
            "a blue planet turning slowly below",
            "warning lights pulsing amber along the corridor",
            "a nebula spread across the sky like spilled paint",
            "rows of sleeping pods frosted with ice",
        ),
        sounds=(
            "the hiss of the air recyclers",
            "a steady electronic beeping",
            "the deep hum of the engines",
            "static crackling over the speakers",
        ),
        tools=(
            "a scanner that fitted in one hand",
            "a magnetic boot kit",
            "a spare power cell",
            "a tablet loaded with star charts",
            "a tool belt with a laser cutter",
        ),
        mood=("silent", "humming", "vast", "glittering"),
    ),
    "mystery": Genre(
        home=(
            "the sleepy town of Fernbrook",
            "an apartment above a bookshop on Lantern Street",
            "a seaside hotel that had seen better days",
        ),
        places=(
            "the dusty attic of the old museum",
            "the clock tower",
            "a greenhouse with cracked panes",
            "the railway station after midnight",
            "a library reading room where no one spoke",
            "the cellar under the bakery",
            "a garden maze",
            "the mayor's locked study",
        ),
        companions=(
            "a retired detective who still carried a magnifying glass",
            "a clever neighbour named Jonah",
            "a dog with an excellent nose",
            "a journalist who wrote everything down",
        ),
        obstacles=(
            "a clue that made no sense at all",
            "a witness who changed the story twice",
            "a door locked from the inside",
            "a coded letter in a language nobody knew",
            "a trail of footprints that led in two directions at once",
            "a storm that cut the town off for the night",
        ),
        sights=(
            "a muddy boot print beside the window",
            "a torn ticket stub",
            "a candle still warm from being blown out",
            "a portrait whose eyes seemed to follow everyone",
            "a key hidden inside a hollow book",
        ),
        sounds=(
            "floorboards creaking overhead",
            "a clock striking thirteen",
            "rain drumming on the roof",
            "a phone ringing in an empty room",
        ),
        tools=(
            "a pocket notebook",
            "a torch with fresh batteries",
            "a magnifying glass",
            "a camera",
            "a ring of old keys",
        ),
        mood=("puzzling", "quiet", "shadowy", "curious"),
    ),
    "fairytale": Genre(
        home=(
            "a cottage at the edge of the Great Wood",
            "a little village beside a silver stream",
            "a castle with seven crooked towers",
        ),
        places=(
            "the gingerbread bridge",
            "a garden where the roses could talk",
            "the giant's kitchen",
            "the well at the end of the world",
            "a glass hill",
            "the house of the North Wind",
            "a clearing full of dancing mushrooms",
            "the bottom of the wishing pond",
        ),
        companions=(
            "a talking frog in a tiny crown",
            "a goose who laid golden eggs when she was happy",
            "a kind old woman with a basket of apples",
            "a wolf who was trying very hard to be good",
        ),
        obstacles=(
            "a spinning wheel that would not stop",
            "a hedge of roses that grew back as fast as it was cut",
            "a riddle from a grumpy bridge troll",
            "a giant who was terribly hungry",
            "a curse that would fall at the stroke of midnight",
            "a river guarded by three stern swans",
        ),
        sights=(
            "a trail of breadcrumbs shining in the moonlight",
            "a tower with a single open window",
            "a golden key caught in a spider's web",
            "smoke rising from a chimney shaped like a teapot",
            "apples that glowed like lanterns",
        ),
        sounds=(
            "a bird singing a song with words in it",
            "the tick-tock of a grandfather clock",
            "laughter coming from under the hill",
            "a distant trumpet calling the hour",
        ),
        tools=(
            "a magic bean",
            "a cloak of many colours",
            "a golden thread",
            "a pair of seven-league boots",
            "a silver comb",
        ),
        mood=("golden", "gentle", "wondrous", "sparkling"),
    ),
    "bedtime": Genre(
        home=(
            "a snug little house on Willow Lane",
            "a bedroom with stars painted on the ceiling",
            "a farmhouse where the night was soft and quiet",
        ),
        places=(
            "the meadow behind the barn",
            "a cloud shaped like a pillow",
            "the quiet pond where the moon came to rest",
            "a hill covered in sleepy dandelions",
            "the lighthouse that hummed lullabies",
            "the garden of nodding sunflowers",
            "a boat made from a folded leaf",
            "the land at the other side of the blanket",
        ),
        companions=(
            "a sleepy owl called Mo",
            "a teddy bear with one button eye",
            "a firefly who glowed a little brighter when happy",
            "a soft grey bunny",
        ),
        obstacles=(
            "a cloud that had forgotten how to float",
            "a star that had fallen and could not find its way home",
            "a lullaby with a missing last line",
            "a yawning moon that could not stay awake",
            "a path of stepping stones that wobbled",
            "a shy wind that would not blow",
        ),
        sights=(
            "fireflies blinking like tiny lamps",
            "the moon peeking over the hill",
            "dew drops shining on the grass",
            "a trail of glowing pebbles",
            "the first star of the evening",
        ),
        sounds=(
            "crickets chirping softly",
            "the wind sighing in the trees",
            "a gentle rain on the roof",
            "the slow tick of the hallway clock",
        ),
        tools=(
            "a warm blanket",
            "a jar of moonlight",
            "a little silver bell",
            "a pillow full of dreams",
            "a night-light shaped like a star",
        ),
        mood=("soft", "sleepy", "calm", "cosy"),
    ),
    "funny": Genre(
        home=(
            "the very ordinary town of Puddleby",
            "a house where the toaster had strong opinions",
            "a school where the lunches kept escaping",
        ),
        places=(
            "the world's wobbliest trampoline park",
            "a supermarket where the aisles rearranged themselves",
            "the annual pie-throwing contest",
            "a zoo where the animals ran the gift shop",
            "the town hall, which was full of balloons",
            "a bouncy castle the size of a real castle",
            "a laundrette with a very dramatic washing machine",
            "the top of a giant pancake stack",
        ),
        companions=(
            "a penguin who thought he was a detective",
            "a grandmother on a rocket-powered scooter",
            "a parrot who only spoke in rhymes",
            "a dog wearing a bow tie",
        ),
        obstacles=(
            "a sneeze that would not stop",
            "a sandwich that had grown to the size of a sofa",
            "a crowd of pigeons who wanted to be in charge",
            "a pair of trousers that kept running away",
            "a custard flood",
            "a very stubborn revolving door",
        ),
        sights=(
            "a goat wearing sunglasses",
            "a banana peel in exactly the wrong place",
            "a cake tower leaning like a sleepy giraffe",
            "a marching band made entirely of ducks",
            "somebody's underpants flying from a flagpole",
        ),
        sounds=(
            "a trombone playing all by itself",
            "someone giggling behind a curtain",
            "a loud and squelchy splat",
            "a chorus of honking geese",
        ),
        tools=(
            "a rubber chicken",
            "a very long spoon",
            "a whoopee cushion",
            "a pogo stick",
            "a bucket of jelly",
        ),
        mood=("ridiculous", "bouncy", "silly", "chaotic"),
    ),
}
GENRE_WORDS: tuple[tuple[str, str], ...] = (
    ("fantas", "fantasy"),
    ("magic", "fantasy"),
    ("dragon", "fantasy"),
    ("wizard", "fantasy"),
    ("sci", "scifi"),
    ("space", "scifi"),
    ("robot", "scifi"),
    ("future", "scifi"),
    ("myster", "mystery"),
    ("detect", "mystery"),
    ("crime", "mystery"),
    ("thrill", "mystery"),
    ("fairy", "fairytale"),
    ("fable", "fairytale"),
    ("folk", "fairytale"),
    ("princess", "fairytale"),
    ("bed", "bedtime"),
    ("sleep", "bedtime"),
    ("lullab", "bedtime"),
    ("calm", "bedtime"),
    ("fun", "funny"),
    ("comed", "funny"),
    ("humor", "funny"),
    ("humour", "funny"),
    ("silly", "funny"),
    ("advent", "adventure"),
    ("action", "adventure"),
    ("quest", "adventure"),
    ("explor", "adventure"),
)

OPENING = (
    "In {home} there lived {role} called {hero}, who had never once been described as ordinary.",
    "{hero} had always wondered about {thing}, ever since hearing about it at the kitchen table "
    "years ago.",
    "Most people in {home} had stopped talking about {thing}, but {hero} thought about it almost "
    "every day.",
    "It began on an unremarkable morning, when a folded note slid under the door of {hero}'s room.",
    "{hero} unfolded it; the note was short and smudged, and it mentioned {thing} twice.",
    "{hero} read the note three times, then packed {tool} and a little food, just in case.",
    "Outside, the day smelled of rain that had not fallen yet.",
    "The morning had a {mood} feel to it, as if something was about to happen.",
    "Everyone said that {thing} was only a legend, and {hero} had always suspected that everyone "
    "was wrong.",
    "By the time the sun was properly up, {hero} was already on the road out of town.",
    "At the last house before the fields, {companion} was waiting, as if they had arranged to "
    "meet.",
    '"I heard you were looking for {thing}," said {companion_short}. "You will need help."',
)
ARRIVAL = (
    "The road led them to {place}.",
    "By midday they had reached {place}.",
    "After a long climb they came out at {place}.",
    "The next part of the journey took them through {place}.",
    "Nobody had warned them about {place}, but there it was, right in their way.",
    "When the path finally levelled out, {place} lay ahead of them.",
    "The map, which had been surprisingly unhelpful so far, ended at {place}.",
    "They followed the sound of {sound} all the way to {place}.",
    "Late in the afternoon they stumbled into {place}.",
    "The trail bent sharply and delivered them to {place}.",
    "It took the whole evening to cross {place}.",
    "On the far side of the hills they found {place}.",
)
DETAIL = (
    "Wherever {hero} looked, the eye came back to {sight}.",
    "For a while the only thing they could hear was {sound}.",
    "{hero} noticed {sight} and stopped to look more closely.",
    "Somewhere nearby they could hear {sound}.",
    "The whole place had a {mood} feel to it, and it was strangely familiar.",
    "For a moment neither of them spoke; they simply stared at {sight}.",
    "Even the air felt {mood}, the way it does just before good news.",
    "{companion_short} pointed out {sight} and raised an eyebrow.",
    "They heard {sound}, then silence, then {sound} again.",
    "Somebody had been here before them; {companion_short} found {sight} to prove it.",
    "The light fell across the ground in a way that made everything look {mood}.",
    "{hero} wrote down what they saw, because it seemed important to remember it.",
)
TROUBLE = (
    "But there was a problem: {obstacle}.",
    "That was when they discovered {obstacle}.",
    "Just as they began to relax, they ran into {obstacle}.",
    "Standing between them and {thing} was {obstacle}.",
    "Nobody had mentioned {obstacle}, which seemed like an important thing to leave out.",
    "Ahead of them, blocking the way completely, was {obstacle}.",
    "Things went wrong quickly, because of {obstacle}.",
    "The worst part of the day turned out to be {obstacle}.",
    "{hero} groaned, because in front of them was {obstacle}.",
    "Before they could go any further, they had to deal with {obstacle}.",
    "Then, out of nowhere, came {obstacle}.",
    "It was not long before they met {obstacle}.",
)
EFFORT = (
    "{hero} tried the obvious thing first, and it did not work at all.",
    "They tried using {tool}, which helped a little, but not enough.",
    "{companion_short} suggested going around, but there was no way around.",
    "{hero} sat down, took a slow breath, and thought about what {thing} would need from them.",
    "They argued for a while about what to do, which at least kept them warm.",
    "The first attempt ended with {hero} sitting in the mud, laughing.",
    "{hero} remembered something a grandparent used to say: small steps still count as steps.",
    '"We could turn back," said {companion_short}, though it did not sound like a real suggestion.',
    '"Not yet," said {hero}. "Not when we have come this far."',
    "So {hero} tried again, slower this time, watching carefully.",
    "It took patience, and a clever use of {tool}, but slowly the way opened.",
    "In the end it was {companion_short} who spotted the answer, hiding in plain sight.",
    "{hero} noticed {sight} and, on a hunch, followed where it led.",
    "Working together, they found a way through that neither could have found alone.",
    "When it was over, {hero} was tired and scratched and very pleased.",
    "{hero} wondered how many others had given up at exactly this point.",
)
CLIMAX = (
    "At last, as the light began to change, they found {thing}.",
    "It was not quite what {hero} had imagined, and somehow it was better.",
    "For a long moment {hero} simply stood there, heart thumping.",
    '"Is that really it?" whispered {companion_short}.',
    '"It is," said {hero}, and felt something settle quietly inside.',
    "There was one last test, and it had nothing to do with {tool} or cleverness.",
    "{hero} had to choose between keeping {thing} and sharing it with the people back home.",
    "The choice, when it came, was easy after all.",
    "Everything they had learned on the way seemed to click into place at once.",
    "Even {companion_short} went quiet, which had never happened before.",
)
ENDING = (
    "The journey home felt shorter, the way journeys home always do.",
    "Back in {home}, people gathered to hear what had happened.",
    "{hero} told the story honestly, including the parts where things went wrong.",
    "{companion} stayed for supper and, as it turned out, for a good while after that.",
    "That night {hero} fell asleep quickly, smiling at the ceiling.",
    "And whenever anyone mentioned {thing} after that, {hero} would simply grin.",
    "Some adventures change the world; this one had changed one person, which is where the world "
    "starts.",
    "The end, or perhaps only the beginning.",
)
TITLES = (
    "{hero} and {thing_title}",
    "The Search for {thing_title}",
    "{hero}'s Journey to {thing_title}",
    "How {hero} Found {thing_title}",
    "{thing_title}: A Tale of {hero}",
)
HERO_NAMES = ("Mira", "Leo", "Ada", "Tomas", "Nia", "Oskar", "Lina", "Arlo", "Zara", "Emil")
LEADS = (
    "Later that day",
    "Not long after",
    "The following morning",
    "Before long",
    "Some time later",
    "When the weather turned",
    "Once the dust had settled",
    "After a short rest",
    "Early the next day",
    "As evening came on",
    "A little further on",
    "Much to their surprise",
    "Two days later",
    "With the map in hand",
    "Without much warning",
    "Around the next bend",
)
PLACE_ADJECTIVES = (
    "hidden",
    "forgotten",
    "windy",
    "crooked",
    "silent",
    "flooded",
    "glittering",
    "narrow",
    "ancient",
    "sunlit",
)
PLACE_NOUNS = (
    "valley",
    "stairway",
    "courtyard",
    "orchard",
    "tunnel",
    "harbour",
    "ridge",
    "workshop",
    "clearing",
    "archway",
)

REST = (
    "That night they made camp where the ground was flattest and the wind was kindest.",
    "{companion_short} found dry wood, and soon a small fire was crackling between them.",
    "They shared what food was left and agreed that it tasted better than it should have.",
    "{hero} lay back and counted stars until the counting turned into dreaming.",
    "Somewhere in the dark, {sound} went on and on, and it was oddly comforting.",
    "Neither of them slept much, but both pretended to, which was almost as good.",
    "Before dawn {hero} woke, stiff and cold, and watched the sky turn slowly grey.",
    "They rested in the shade through the hottest hour, talking about nothing at all.",
    "{hero} mended a torn sleeve by the light of {tool}, tongue between teeth.",
    "When morning came, the world looked freshly washed and a little less frightening.",
    "{companion_short} snored, loudly and without apology, until the birds joined in.",
    "They packed up quietly and left the camp exactly as they had found it.",
)
MEMORY = (
    "{hero} thought of home, of the window that rattled and the smell of bread on Sundays.",
    "It reminded {hero} of a story told long ago, about a traveller who never gave up.",
    "For a moment {hero} missed everyone in {home} so much that it hurt.",
    "{hero} remembered the first time anyone had mentioned {thing}, in a whisper, as a secret.",
    "There had been a promise, years ago, and {hero} meant to keep it.",
    "{hero} had been told, more than once, to stop dreaming and be sensible.",
    "Being sensible, {hero} decided, was overrated.",
    "Somewhere back home, {hero} knew, a lamp was being left on in a window.",
    "{hero} remembered being small and afraid of the dark, and how that fear had faded.",
    "It was strange to think how far away yesterday already seemed.",
)
MEETING = (
    "On the way they met a traveller with a heavy pack and a friendly face. "
    'The traveller had heard of {thing} and knew one useful thing about it. "Go carefully," the '
    'traveller said, "and trust the quiet path."',
    "A child selling apples by the road pointed them the right way without being asked.",
    "An old woman mending nets looked up and asked where they were going. When {hero} told her, "
    "she laughed, not unkindly, and wished them luck.",
    "A stranger in a patched coat offered to share the road for a while. He told them about "
    "{place}, and about the people who had tried before.",
    "They parted from their fellow travellers at a crossroads, with handshakes and a little bread "
    "for the journey.",
    "A shepherd whistled to his dog, and the dog trotted over to sniff {hero}'s boots. The "
    "shepherd nodded at the sky and said the weather would hold until evening.",
    "Not everyone they met was friendly, but most were, which felt like a good sign.",
    "A tinker with a cart full of pans swapped {hero} a piece of advice for a song.",
    "Two children playing by a stream swore they had seen {thing} once, a long time ago.",
)
DISCOVERY = (
    "Half buried in the ground was a small wooden box with a brass clasp. Inside the box was a "
    "scrap of paper with a drawing of {thing}. "
    "{hero} turned the drawing over and found a line of tiny, careful handwriting. It said that "
    "the way to {thing} began where the shadows pointed at noon.",
    "Scratched into a stone was a mark that matched the one on the note.",
    "{companion_short} found a second clue tucked into a crack, folded very small. It was a piece "
    "of the puzzle, and it fitted perfectly with what they already knew.",
    "For the first time, {hero} felt sure that {thing} was real.",
    "The clue did not explain everything, but it explained enough.",
    "{hero} copied every word of the clue into a notebook, just in case.",
    "They had been going the wrong way for a whole day, and now they knew it. The discovery "
    "changed the plan, and nobody minded.",
)
DIALOGUE = (
    '"Do you ever wonder what we will find?" asked {companion_short}. "All the time," said '
    '{hero}. "That is half the fun."',
    '"If this goes wrong," said {companion_short}, "I would like it noted that I warned you." '
    '"Noted," said {hero}, and kept walking.',
    '"Why does it matter so much to you?" {companion_short} asked quietly. {hero} thought about '
    'it for a long time. "Because somebody has to believe it is there."',
    '"Are we lost?" "Not lost," said {hero}. "Just exploring more than we planned."',
    '"I am glad you came," {hero} said, and meant it. {companion_short} did not answer, but '
    "looked pleased all the same.",
    '"Tell me again about {thing}," said {companion_short}, and {hero} did.',
    '"How much further?" asked {companion_short}. "Further than yesterday," said {hero}, "and '
    'less far than tomorrow."',
    '"What will you do when we find it?" "I have not decided," {hero} admitted. "Something good, '
    'I hope."',
)

TINY_OPENING = (
    "{hero}, {role}, had always dreamed of finding {thing}.",
    "{hero} lived in {home} and longed to find {thing}.",
    "One bright morning, {hero} set off to find {thing}.",
)
TINY_EXTRA = (
    "Nobody else believed in {thing}, but {hero} did.",
    "{hero} packed {tool} and a little bread.",
    "The road was long, and {hero} walked it gladly.",
)
TINY_CLIMAX = (
    "At last, {hero} found {thing}.",
    "And there, at last, was {thing}.",
    "Then, just as the sun went down, {hero} saw {thing}.",
)
TINY_ENDING = (
    "{hero} went home smiling.",
    "It was the best day {hero} could remember.",
    "And that was only the beginning.",
)

# Parts of composed sentences, for long stories once the road's own patterns are spent:
# "{lead}, {mover} {moved} {towards} {place}, {manner}." and the like.
MOVERS = ("{hero}", "they", "the two of them", "{companion_short} and {hero}")
MOVED = (
    "walked",
    "scrambled",
    "trudged",
    "pushed on",
    "wandered",
    "hurried",
    "picked their way",
    "climbed",
    "crept",
    "marched",
    "made their way",
    "travelled",
)
TOWARDS = ("as far as", "all the way to", "on towards", "down to", "up to", "at last to")
MANNERS = (
    "saying very little",
    "singing to keep their spirits up",
    "stopping now and then to check {tool}",
    "keeping one eye on the sky",
    "arguing cheerfully about the best way",
    "with the wind at their backs",
    "counting their steps out loud",
    "sharing the last of the water",
    "trying not to think about what might come next",
    "taking turns to carry the pack",
    "with {tool} held out in front of them",
    "pausing only to catch their breath",
    "telling each other terrible jokes",
    "listening to {sound}",
    "watching the shadows grow longer",
    "as if they had all the time in the world",
)
PERCEIVED = (
    "noticed",
    "caught sight of",
    "stopped to admire",
    "could not stop looking at",
    "made a careful note of",
    "pointed out",
    "was the first to spot",
    "took a long look at",
)
AFTERTHOUGHTS = (
    "and wondered what it meant",
    "and felt a little braver",
    "and decided it was a good sign",
    "without saying a word",
    "and smiled for the first time that day",
    "and wished someone at home could see it",
    "and tucked the memory away for later",
    "and then hurried on",
)
FACED = (
    "found the way blocked by",
    "came face to face with",
    "ran straight into",
    "had to get past",
    "were stopped short by",
    "soon had to deal with",
)
EFFORTS = (
    "tried climbing over it",
    "looked for a way around it",
    "stopped to think it through properly",
    "used {tool} to test the ground",
    "waited for the light to change",
    "made a rough plan in the dirt with a stick",
    "went back over every clue so far",
    "followed a hunch",
    "tried a little of everything",
    "took it one careful step at a time",
)
RESULTS = (
    "which worked better than expected",
    "and it very nearly worked",
    "and after a long hour it did the trick",
    "though not the way anyone had planned",
    "and slowly the way cleared",
    "which made everyone laugh and then cheer",
    "and in the end that was enough",
    "and somehow, against the odds, they got through",
)

AUDIENCE_WORDS: tuple[tuple[str, str], ...] = (
    ("teen", "teen"),
    ("young adult", "teen"),
    ("ya", "teen"),
    ("kid", "children"),
    ("child", "children"),
    ("toddler", "children"),
    ("preschool", "children"),
    ("famil", "children"),
    ("adult", "adult"),
    ("grown", "adult"),
)
REFLECTIONS = {
    "children": (
        "And the lesson {hero} carried home was a simple one: brave does not mean never "
        "being scared, it means going on anyway.",
        "If you ever go looking for {thing} yourself, remember to take a friend, a snack and "
        "a very good pair of boots.",
    ),
    "teen": (
        "{hero} knew that nobody would ever fully understand what had happened out there, and "
        "for once that felt fine.",
        "Growing up, {hero} decided, was mostly a matter of choosing which stories to believe "
        "in, and then going to find out.",
    ),
    "adult": (
        "Years later, {hero} would still wonder whether {thing} had changed anything, or "
        "whether it had simply shown what was already there.",
        "It is a strange thing to get what you wanted; {hero} found it lighter to carry than "
        "the wanting had been.",
    ),
}
