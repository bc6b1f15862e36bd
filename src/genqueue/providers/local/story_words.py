"""The local story writer's sentence patterns, per part of a story, and the parts that
long stories compose sentences from. A pattern is used at most once per story; slots in
braces are filled from the request (hero, the prompt's nouns) and the genre's words
(`story_genres`)."""

from __future__ import annotations

OPENING = (
    "In {home} there lived {role} called {hero}, who had never once been described as ordinary.",
    "{hero} had always wondered about {thing}, ever since hearing about it at the kitchen table "
    "years ago.",
    "Most people in {home} had stopped talking about {thing}, but {hero} thought about it almost "
    "every day.",
    "It began on an unremarkable morning, when a folded note slid under the door of {hero}'s room.",
    "{hero} unfolded it; the note was short and smudged, and it mentioned {thing} twice.",
    "{hero} read the note three times, then packed {tool} and a little food, just in case.",
    "Outside, the air smelled of {air}.",
    "The morning had a {mood} feel to it, as if something was about to happen.",
    "Everyone said that {thing} was only a legend, and {hero} had always suspected that everyone "
    "was wrong.",
    "By the time the sun was properly up, {hero} was already on the road out of town.",
    "At {edge}, {companion} was waiting, as if they had arranged to meet.",
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
    "{companion_short} set up camp, and soon {camp}.",
    "They shared what food was left and agreed that it tasted better than it should have.",
    "{hero} lay back and counted stars until the counting turned into dreaming.",
    "Somewhere in the dark, {sound} went on and on, and it was oddly comforting.",
    "Neither of them slept much, but both pretended to, which was almost as good.",
    "Before dawn {hero} woke, stiff and cold, and watched the sky turn slowly grey.",
    "They rested in the shade through the hottest hour, talking about nothing at all.",
    "{hero} mended a torn sleeve by the light of {tool}, tongue between teeth.",
    "When morning came, the world looked freshly washed and a little less frightening.",
    "{companion_short} snored, loudly and without apology, until morning.",
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
    "{stranger} pointed them the right way without being asked.",
    "They stopped to talk with {stranger}, who asked where they were going and, on hearing "
    "the answer, laughed, not unkindly, and wished them luck.",
    "{stranger} offered to share the way for a while, and told them about {place} and about "
    "the people who had tried before.",
    "They parted from their fellow travellers at a crossroads, with handshakes and a little "
    "food for the journey.",
    "{stranger} looked them over, then said the way ahead would stay clear until evening.",
    "Not everyone they met was friendly, but most were, which felt like a good sign.",
    "{stranger} swapped {hero} a piece of good advice for a song.",
    "{stranger} swore to have seen {thing} once, a long time ago.",
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
